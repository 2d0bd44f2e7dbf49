"""A plain Flask hello, served the way Dateline is: bench.http compares against it.

python -m bench.hello          # Granian with api.serve's settings (HOST, PORT, ...)
gunicorn bench.hello:app       # any other server
"""

from flask import Flask

from api import serve

TARGET = "bench.hello:app"

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"


def server():
    """``api.serve.server()`` with this app as its target, every other setting
    the same."""
    return serve.server(TARGET)


if __name__ == "__main__":
    server().serve()
