"""Command line: a thin click layer over the library (filled in by the foundation work)."""
import click


@click.group()
def main():
    """promiseaudit: hold sellers to what they wrote."""
