"""The legacy SOAP registertoets (spyne only): wire models, thin @rpc methods, fault mapping."""
