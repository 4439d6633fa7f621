"""How fast does the read stage take in PDFs?

    python bench/bench_read.py [--pages 60] [--repeat 3]

Generates (seeded, so every run reads the same file) a PDF of dense pages of about 650
words each, with a running header, a "Page N of M" footer and a ruled table on every
tenth page, into a temporary folder, then times ``read_document`` on it and prints
pages per second (best of ``--repeat`` runs, one core). The target is 30 pages/second
or more for the whole ingest, so reading should stay well under 5 ms a page.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "the provider will deliver install configure and support every site within agreed "
    "hours days weeks months of signature go-live uptime availability response time "
    "customer project implementation training sessions quarterly review monthly report "
    "gateway network security monitoring warranty replacement onsite engineer escalation "
    "manager service level credit invoice milestone acceptance handover migration backup"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    if rng.random() < 0.3:
        words.insert(rng.randint(1, len(words) - 1), str(rng.randint(2, 99)))
    return " ".join(words).capitalize() + "."


def make_pdf(target: Path, pages: int, seed: int = 7) -> None:
    from fpdf import FPDF
    from fpdf.enums import TableBordersLayout, XPos, YPos

    rng = random.Random(seed)
    font = Path("/usr/share/fonts/truetype/dejavu")

    class Bench(FPDF):
        def header(self):
            self.set_font("DejaVu", "", 8)
            self.cell(0, 5, "Benchmark Networks Ltd - Proposal for Example Retail plc")
            self.set_xy(self.l_margin, self.t_margin)

        def footer(self):
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Bench(format="A4")
    pdf.add_font("DejaVu", "", str(font / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(font / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(14, 16, 14)
    pdf.set_auto_page_break(False)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("DejaVu", "", 8.4)
        words, paragraphs = 0, []
        while words < 650:
            paragraph = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
            words += len(paragraph.split())
            paragraphs.append(paragraph)
        if number % 10 == 5:
            paragraphs = paragraphs[:-3]
        for paragraph in paragraphs:
            pdf.multi_cell(0, 3.7, paragraph, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.2)
        if number % 10 == 5:
            with pdf.table(borders_layout=TableBordersLayout.ALL, line_height=4) as table:
                for row in [("Service", "Target", "Measured")] + [
                    (sentence(rng)[:40], f"{rng.randint(90, 99)}.{rng.randint(0, 9)}%", "monthly")
                    for _ in range(6)
                ]:
                    cells = table.row()
                    for text in row:
                        cells.cell(text)
    pdf.output(str(target))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from promiseaudit.read import read_document

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.pdf"
        make_pdf(path, args.pages)
        document = read_document(path)  # warm-up: imports, font caches
        words = sum(len(p.text.split()) for p in document.pages) / len(document.pages)
        tables = sum(len(p.tables) for p in document.pages)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            read_document(path)
            best = min(best, time.perf_counter() - start)
    pages = len(document.pages)
    print(f"{pages} pages, {words:.0f} words/page, {tables} tables: "
          f"{best * 1000:.0f} ms, {best * 1000 / pages:.2f} ms/page, {pages / best:.0f} pages/second")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
