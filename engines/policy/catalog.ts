// The capability registry lives in the contract (engines/bus/capabilities.ts); L5 reads it from there.
export {
  capabilities as catalog,
  capabilityNames,
  isCapability,
  risks,
  type CapabilityName as Capability,
  type ResourceKind,
  type Risk,
} from '../bus/index.ts';
