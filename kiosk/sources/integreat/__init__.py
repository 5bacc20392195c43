"""The Integreat CMS API v3, as Dortmund publishes it.

The HTTP client (:mod:`.client`), the wire shapes (:mod:`.wire`), parsing into domain models
(:mod:`.schema`) and the records the content store keeps (:mod:`.records`).
"""
