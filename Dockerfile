# Comity API image: build wheels in one stage, run as a non-root user in the next.
# Point COMITY_DATABASE_URL at PostgreSQL >= 15; the embedded server is for development only.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /srv/comity comity
WORKDIR /srv/comity
COPY --from=build /opt/venv /opt/venv
COPY --chown=comity:comity alembic.ini ./
COPY --chown=comity:comity migrations ./migrations
COPY --chown=comity:comity app ./app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/srv/comity \
    COMITY_ENV=production \
    COMITY_DATA_DIR=/srv/comity/data
USER comity
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status == 200 else 1)"
CMD ["sh", "-c", "comity db upgrade && comity serve --host 0.0.0.0 --port 8000"]
