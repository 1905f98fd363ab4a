from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "auxpost.duties"
    label = "duties"

    def ready(self) -> None:
        # §4.2/§12 the duties and post_indicators import kinds.
        from auxpost.duties import imports  # noqa: F401
