"""The yardstick of bench/serve.py: the smallest Flask application, served by gunicorn as the real one is."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Answer with a greeting and nothing else."""
    return "Hello, World!"
