FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# OCR for scanned PDFs (optional at run time; see "Reading scanned PDFs" in the admin guide).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-nor tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# The translation catalogues come compiled (.mo files are committed; CI checks them current).
# collectstatic needs settings that import; the real secret comes from the environment at run time.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DJANGO_STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 concord && mkdir -p /data/media && chown -R concord /data
USER concord
EXPOSE 8000
# As docker-compose.yml runs it: 2 processes of 4 threads (gthread), see bench/processes.py.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--timeout", "120"]
