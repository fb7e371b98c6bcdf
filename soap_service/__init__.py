"""The legacy SOAP registertoets (spyne only): wire models, thin @rpc methods, fault mapping.

spyne is imported here first, quietly, and its bundled six is taught the import protocol of
Python 3.4+ (see soap_service.compat): every other module of the package may import spyne.
"""

from soap_service import compat

compat.quiet_spyne()
