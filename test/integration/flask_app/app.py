# A minimal Flask app for capturing Werkzeug's real error pages.
from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    return "<h1>Flask shop</h1>"


@app.route("/boom")
def boom():
    raise RuntimeError("database unreachable")
