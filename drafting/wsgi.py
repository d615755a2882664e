"""The production entry point: `gunicorn -c gunicorn.conf.py drafting.wsgi:app`."""

from config import ProductionConfig
from drafting import create_app

app = create_app(ProductionConfig)
