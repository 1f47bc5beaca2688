"""``python -m bench [NAME …]``: run the benchmarks and write bench/results/*.json. Without names, the
quality targets P1–P5 (``make bench``); ``pdfs-scale`` (P7, a month's payslip PDFs through real workers,
an hour or more on two cores) runs only when named."""

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


#: What ``make bench`` runs: every benchmark but the hour-long ``pdfs-scale``.
DEFAULT = [name for name in BENCHMARKS if name != "pdfs-scale"]


def main(names: list[str]) -> None:
    for name in names or DEFAULT:
        BENCHMARKS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
