"""This app's routes per dialect, mounted by config/urls.py: (prefix, viewset, basename).

`staff/roles` and `staff/departments` come before `staff`; staff ids are digits only, so the
order is a courtesy, not what keeps them apart.
"""
from .api.v1 import DepartmentViewSet, StaffDepartmentViewSet, StaffRoleViewSet, StaffViewSet
from .api.v2 import UserViewSet

v1_routes: list = [
    ("staff/roles", StaffRoleViewSet, "v1-staff-roles"),
    ("staff/departments", StaffDepartmentViewSet, "v1-staff-departments"),
    ("staff", StaffViewSet, "v1-staff"),
    ("departments", DepartmentViewSet, "v1-departments"),
]
v2_routes: list = [
    ("users", UserViewSet, "v2-users"),
]
