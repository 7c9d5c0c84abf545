"""`manage.py backup DIR`: a consistent copy of everything that must survive, taken while the app runs.

What is copied: the database (SQLite through its online backup API, which copies one consistent
snapshot even while secretaries autosave; PostgreSQL through pg_dump, which reads one snapshot) and the
secret key (sessions and signed links depend on it). What is not: the 查重 index and jieba's cache under
var/ are rebuilt from the database (`rebuild_index`), and static files come from the code.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

SQLITE_FILE = "speechdraft.sqlite3"
PG_FILE = "speechdraft.pgdump"


class Command(BaseCommand):
    help = "备份数据库和密钥到 DIR 下的一个新文件夹（可在系统运行时执行）；查重索引不备份，恢复后自动重建。"

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, directory, format, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = Path(directory) / f"speechdraft-backup-{stamp}"
        try:
            target.mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            raise CommandError(f"备份文件夹 {target} 已存在，请稍后再试或换一个目录。") from None
        except OSError as exc:
            raise CommandError(f"无法创建备份文件夹 {target}：{exc.strerror or exc}") from exc
        try:
            database = self._backup_database(target)
            secret = self._backup_secret(target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)  # never leave a half backup that looks whole
            raise
        manifest = {
            "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "engine": connection.vendor,
            "database": database,
            "secret_key": secret,
            "not_included": "查重索引（var/index）和缓存：恢复后由 rebuild_index 从数据库重建",
        }
        (target / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        os.chmod(target, 0o700)  # the secret key and every speech are in here
        if format == "json":
            self.stdout.write(json.dumps({"path": str(target), **manifest}, ensure_ascii=False))
        else:
            self.stdout.write(
                f"已备份到 {target}（数据库：{database}；密钥：{secret or '由环境变量 SECRET_KEY 提供，未备份'}）"
            )

    def _backup_database(self, target: Path) -> str:
        if connection.vendor == "sqlite":
            return self._backup_sqlite(target)
        if connection.vendor == "postgresql":
            return self._backup_postgresql(target)
        raise CommandError(f"不支持备份 {connection.vendor} 数据库，只支持 SQLite 和 PostgreSQL。")

    def _backup_sqlite(self, target: Path) -> str:
        source_path = settings.DATABASES["default"]["NAME"]
        destination = target / SQLITE_FILE
        # A connection of its own: the online backup copies a consistent snapshot, restarting the copy
        # if another connection writes meanwhile; one step (pages=-1) holds a read lock for the copy.
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(destination)
        try:
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            (result,) = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
            source.close()
        if result != "ok":
            raise CommandError(f"备份的数据库未通过完整性检查（{result}），请重新备份。")
        return SQLITE_FILE

    def _backup_postgresql(self, target: Path) -> str:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise CommandError(
                "找不到 pg_dump，无法备份 PostgreSQL 数据库：请安装 PostgreSQL 客户端（Debian：postgresql-client，"
                "版本不低于数据库服务器）后重试。"
            )
        db = settings.DATABASES["default"]
        env = dict(os.environ)
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = db["PASSWORD"]
        command = [pg_dump, "--format=custom", "--no-owner", "--file", str(target / PG_FILE)]
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db.get(key):
                command += [flag, str(db[key])]
        command.append(db["NAME"])
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or [f"退出码 {done.returncode}"])[-1]
            raise CommandError(f"pg_dump 备份失败：{detail}。请检查 DATABASE_URL 和 pg_dump 版本后重试。")
        return PG_FILE

    def _backup_secret(self, target: Path) -> str | None:
        key_file = Path(settings.VAR_DIR) / "secret_key"
        if os.environ.get("SECRET_KEY") or not key_file.exists():
            return None  # set in the environment: it lives wherever the environment is kept
        shutil.copy2(key_file, target / "secret_key")
        os.chmod(target / "secret_key", 0o600)
        return "secret_key"
