"""``python -m bench [NAME …]``: run the benchmarks (all by default) and write bench/results/*.json."""

from __future__ import annotations

import sys

from bench import api_throughput, payroll_month, payslip_pdfs, payslip_pdfs_scale, startup

BENCHMARKS = {
    "startup": startup.run,
    "api": api_throughput.run,
    "pdfs": payslip_pdfs.run,
    "payroll": payroll_month.run,
    "pdfs-scale": payslip_pdfs_scale.run,
}


def main(names: list[str]) -> None:
    for name in names or list(BENCHMARKS):
        BENCHMARKS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
