from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("duty", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="mark",
            name="points_rev",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
