"""This app's routes per dialect, mounted by config/urls.py: (prefix, viewset, basename)."""
from .api.v1 import JobViewSet

v1_routes: list = [("jobs", JobViewSet, "jobs")]
v2_routes: list = []
