"""promiseaudit: extract the promises in sales proposals and audit them against deliveries."""

__version__ = "0.1.0"
