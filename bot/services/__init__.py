"""Operations on the ledger. Services own the rules (permissions, state changes, history)."""


class ServiceError(Exception):
    """A request that cannot be carried out; `str()` is the Chinese answer for the person."""


class NotFound(ServiceError):
    pass


class Forbidden(ServiceError):
    pass


class InvalidState(ServiceError):
    pass
