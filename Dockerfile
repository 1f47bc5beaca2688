# kooperativet — production image: migrations, then the API server, as a non-root user.
# Build:  docker build -t kooperativet .
# Run:    see compose.yaml (PostgreSQL) and the README's "Docker" section.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --upgrade pip \
    && /opt/venv/bin/pip install .

FROM python:3.11-slim-bookworm AS runtime
# Pango and HarfBuzz for WeasyPrint (harfbuzz-subset makes PDF rendering about five times faster),
# DejaVu as the embedded document font. pg_dump for `kooperativet backup`, of the major version compose.yaml
# runs (a pg_dump older than its server refuses to dump it, and bookworm has only 15's), from the
# PostgreSQL project's own apt repository. Its signing key (fingerprint B97B 0AFC AA1A 47F0 44F2 44A0 7FCC
# 7D46 ACCC 4CF8) is taken from Debian's own postgresql-common package, which apt checks against Debian's
# signed archive, instead of fetched from a web page that nothing checks.
RUN apt-get update \
    && cd /tmp \
    && apt-get download postgresql-common \
    && dpkg-deb --fsys-tarfile postgresql-common_*.deb \
        | tar -xO ./usr/share/postgresql-common/pgdg/apt.postgresql.org.asc > /usr/share/keyrings/postgresql.asc \
    && rm postgresql-common_*.deb \
    && chmod 644 /usr/share/keyrings/postgresql.asc \
    && echo "deb [signed-by=/usr/share/keyrings/postgresql.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
        postgresql-client-16 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin kooperativet \
    && mkdir -p /data \
    && chown kooperativet /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY alembic.ini ./
COPY migrations ./migrations
COPY templates ./templates
COPY docker/entrypoint.sh /usr/local/bin/kooperativet-entrypoint
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    KOOPERATIVET_ENV=production \
    KOOPERATIVET_DATA_DIR=/data \
    KOOPERATIVET_ALEMBIC_INI=/app/alembic.ini \
    KOOPERATIVET_TEMPLATES_DIR=/app/templates
USER kooperativet
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
ENTRYPOINT ["kooperativet-entrypoint"]
CMD ["serve"]
