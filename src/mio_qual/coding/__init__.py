"""Human and automatic coding: layers by coder, importers and exporters (DESIGN.md, decision 3)."""

from .layers import delete_layer, layer_summary, write_codings
from .model import ORIGINS, Coding

__all__ = ["Coding", "ORIGINS", "write_codings", "delete_layer", "layer_summary"]
