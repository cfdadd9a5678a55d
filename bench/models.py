from django.db import models


class Dataset(models.Model):
    """The benchmark data a database holds, written by `bench_data` in the transaction that loaded it:
    a load runner reads which size it measures, and a second load refuses to go on top of it."""

    size = models.CharField("ukuran", max_length=20)
    letters = models.PositiveIntegerField("surat masuk")
    seed = models.BigIntegerField("benih")
    seconds = models.FloatField("lama pemuatan (detik)")
    created_at = models.DateTimeField("dimuat pada", auto_now_add=True)

    class Meta:
        verbose_name = "data tolok ukur"
        verbose_name_plural = "data tolok ukur"

    def __str__(self) -> str:
        return f"{self.size} ({self.letters} surat, benih {self.seed})"
