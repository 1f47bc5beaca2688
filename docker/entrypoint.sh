#!/bin/sh
# Container entrypoint: `serve` (the default) migrates the database, then starts the API on all
# interfaces; any other argument list is passed to the `kooperativet` command (e.g. `db upgrade`,
# `create-user …`, `demo --out /data/demo`).
set -eu

if [ "$#" -eq 0 ] || [ "$1" = "serve" ]; then
    [ "$#" -gt 0 ] && shift
    kooperativet db upgrade
    exec kooperativet serve --host 0.0.0.0 --port "${PORT:-8000}" --workers "${KOOPERATIVET_WORKERS:-2}" "$@"
fi
exec kooperativet "$@"
