"""Errors and how the real server delivers them."""


class HandlerError(Exception):
    """Raised before any work starts: gin's AbortWithStatusJSON (JSON with charset)."""

    def __init__(self, status, message):
        Exception.__init__(self, message)
        self.status = status
        self.message = message


class StreamError(Exception):
    """Raised inside a pull/create worker; `status` None means none attached (500)."""

    def __init__(self, message, status=None):
        Exception.__init__(self, message)
        self.message = message
        self.status = status
