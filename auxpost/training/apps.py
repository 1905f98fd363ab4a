from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "auxpost.training"
    label = "training"

    def ready(self) -> None:
        # §11/§12 the training and certificates import kinds (also listed in imports.registry.BUILTIN).
        from auxpost.training import imports  # noqa: F401
