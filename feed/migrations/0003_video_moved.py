import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feed', '0002_comment_removed_at'),
        ('videos', '0001_initial'),
    ]

    operations = [
        # `Video` moved to the videos app with its table: Django's record changes, the database does not.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='comment',
                    name='video',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='videos.video'),
                ),
                migrations.AlterField(
                    model_name='impression',
                    name='video',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='videos.video'),
                ),
                migrations.AlterField(
                    model_name='like',
                    name='video',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='likes', to='videos.video'),
                ),
                migrations.AlterField(
                    model_name='videofeatures',
                    name='video',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='features', to='videos.video'),
                ),
                migrations.AlterField(
                    model_name='videotopic',
                    name='video',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='topics', to='videos.video'),
                ),
                migrations.AlterField(
                    model_name='view',
                    name='video',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='views', to='videos.video'),
                ),
            ],
            database_operations=[],
        ),
    ]
