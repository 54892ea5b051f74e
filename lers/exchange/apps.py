from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """The boundary to the exchange. Its one table of lers's own is the name index: the
    exchange's KYC names, folded and transliterated, searchable by trigram."""

    name = "lers.exchange"
    label = "exchange"
