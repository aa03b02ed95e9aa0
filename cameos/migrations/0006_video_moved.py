import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cameos', '0005_cameo_restricted'),
        ('videos', '0001_initial'),
    ]

    operations = [
        # `Video` moved to the videos app with its table: Django's record changes, the database does not.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='appearance',
                    name='inherited_from',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='videos.video'),
                ),
                migrations.AlterField(
                    model_name='appearance',
                    name='video',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appearances', to='videos.video'),
                ),
            ],
            database_operations=[],
        ),
    ]
