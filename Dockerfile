# Production image: web (gunicorn), worker and beat all run from it; docker-compose.yml wires them
# to PostgreSQL 16 and Redis 7.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders PDFs with Pango/HarfBuzz; fonts for naskah dinas. OCRmyPDF reads scans with
# Tesseract's Indonesian model.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core fonts-liberation2 shared-mime-info tesseract-ocr tesseract-ocr-ind \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY kantor_virtual ./kantor_virtual
COPY organisasi ./organisasi
COPY persuratan ./persuratan
COPY disposisi ./disposisi
COPY tte ./tte
COPY layanan_publik ./layanan_publik
COPY arsip ./arsip
COPY bench ./bench
RUN pip install "setuptools==80.10.2" wheel && pip install --no-build-isolation .
COPY . .

RUN useradd --system --home /app kantor && mkdir -p /data/media /data/private && chown -R kantor /data
USER kantor

ENV MEDIA_ROOT=/data/media PRIVATE_MEDIA_ROOT=/data/private STATIC_ROOT=/app/staticfiles
# collectstatic needs settings, not a database or a real secret.
RUN SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build python manage.py collectstatic --noinput -v 0

EXPOSE 8000
CMD ["gunicorn", "kantor_virtual.wsgi", "--bind", "0.0.0.0:8000"]
