"""The portal: web pages for gemeenten under /portaal/ (shared/spec/portaal.md).

Falcon routes, Jinja2 templates, WTForms forms. The app is in adapters.portaal.app; this package
stays light so that the CLI can import its paths (adapters.portaal.paden) without the web stack.
"""
