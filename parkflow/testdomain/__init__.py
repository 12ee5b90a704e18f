"""A test-only domain (园区事项 ``Errand``) that uses every extension point of the kernel.

Installed only under pytest (``parkflow.testdomain.settings``); the production settings and
URLconf do not know it. It proves that a new domain is a folder that declares what it has and is
discovered, with no edit to ``core`` or ``org`` — see docs/adding-a-domain.md.
"""
