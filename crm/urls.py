"""This app's routes per dialect, mounted by config/urls.py: (prefix, viewset, basename)."""

v1_routes: list = []
v2_routes: list = []
