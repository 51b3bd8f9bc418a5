"""The API's routes, one router per resource: the model (and health), clients, new applications."""

from .applications import router as applications
from .clients import router as clients
from .model import router as model

__all__ = ["applications", "clients", "model"]
