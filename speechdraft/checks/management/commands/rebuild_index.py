import json
import logging
import time

from django.core.management.base import BaseCommand

from speechdraft.checks.index import current_index, index_dir, rebuild_index

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "根据数据库中参与查重的语料重建查重指纹索引。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="只在索引缺失、损坏、属于其他数据库或落后时重建；索引可用时只补上最新变更",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, if_missing, format, **options):
        if if_missing:
            # Part of `make run`: the app must start whatever state the index is in. current_index()
            # loads and checks it against the database, catching up or rebuilding as needed; should even
            # that fail, the first 查重 tries again.
            try:
                current_index()
            except Exception as exc:
                log.exception("rebuild_index --if-missing failed")
                self.stderr.write(f"查重索引暂时无法准备（{exc}）；应用照常启动，首次查重时会重新建立索引。")
            return
        started = time.perf_counter()
        index = rebuild_index()
        elapsed = time.perf_counter() - started
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "documents": len(index),
                        "fingerprints": index.fingerprint_count,
                        "seconds": round(elapsed, 3),
                        "directory": str(index_dir()),
                    }
                )
            )
        else:
            self.stdout.write(
                f"查重索引已重建：{len(index)} 篇语料，{index.fingerprint_count} 个指纹，用时 {elapsed:.1f} 秒。"
            )
