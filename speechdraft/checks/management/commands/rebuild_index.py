import json
import time

from django.core.management.base import BaseCommand

from speechdraft.checks.index import index_dir, index_exists, rebuild_index


class Command(BaseCommand):
    help = "根据数据库中参与查重的语料重建查重指纹索引。"

    def add_arguments(self, parser):
        parser.add_argument("--if-missing", action="store_true", help="索引已存在时不重建")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, if_missing, format, **options):
        if if_missing and index_exists():
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
