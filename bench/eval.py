"""Score the extractor against the gold proposals.

    python bench/eval.py fixtures/gold [--json]
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from promiseaudit.evaluate import evaluate  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("gold_dir")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--sources", nargs="*", help="folders holding the proposals (default: beside the gold folder)")
    args = parser.parse_args(argv)
    report = evaluate(args.gold_dir, args.sources)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.format_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
