import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('moderation', '0009_message_reports'),
        ('videos', '0001_initial'),
    ]

    operations = [
        # `Video` moved to the videos app with its table: Django's record changes, the database does not.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='appeal',
                    name='video',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appeals', to='videos.video'),
                ),
                migrations.AlterField(
                    model_name='decision',
                    name='video',
                    field=models.ForeignKey(blank=True, help_text='Set only when the decision acted on a video.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='videos.video'),
                ),
                migrations.AlterField(
                    model_name='removedhash',
                    name='video',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='videos.video'),
                ),
                migrations.AlterField(
                    model_name='reviewcase',
                    name='video',
                    field=models.ForeignKey(blank=True, help_text='The reported video, or the video a reported comment is on (context only: a decision acts on the target, never on this).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='videos.video'),
                ),
            ],
            database_operations=[],
        ),
    ]
