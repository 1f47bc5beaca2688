"""``python -m kooperativet``: the same command line as the installed ``kooperativet`` script."""

from kooperativet.cli import app

app()
