from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """v1, v2 and crm paths: documented without a trailing slash, and accepted with one."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


class SlashRouter(SimpleRouter):
    """billingo paths keep the trailing slash their document shows."""


def register_routes(router: SimpleRouter, routes) -> SimpleRouter:
    for prefix, viewset, basename in routes:
        router.register(prefix, viewset, basename=basename)
    return router
