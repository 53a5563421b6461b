from ...throttling import CredentialRateThrottle


class V1RateThrottle(CredentialRateThrottle):
    scope = "v1"
