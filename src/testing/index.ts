/**
 * purenet/testing: the property-testing kit purenet certifies itself with, for users to certify
 * their own layers and losses. Checkers resolve to an fp-ts Either (`Right(pass)` or
 * `Left(report)`); the `assert*` wrappers throw a readable `GradientCheckError` inside tests.
 * Arbitraries are fast-check arbitraries and compose with `@fast-check/vitest`'s `test.prop`.
 */
export { checkVjp, type CheckVjpOptions, type GradCheckOptions } from './check-vjp.js';
export { checkGrad, type CheckGradOptions } from './check-grad.js';
export { checkGradTree, type CheckGradTreeOptions } from './check-grad-tree.js';
export { checkNoMutation, type CheckNoMutationOptions } from './check-no-mutation.js';
export { checkAgreement, type CheckAgreementOptions, type AgreementTolerance } from './check-agreement.js';
export { assertVjp, assertGrad, assertGradTree, assertNoMutation, assertAgreement, orThrow } from './assert.js';
export { type CheckResult, type CheckPass } from './result.js';
export {
  formatReport,
  formatLocation,
  GradientCheckError,
  type CheckApi,
  type CheckReport,
  type CheckFailure,
  type Location,
  type Mismatch,
  type NotFinite,
  type Mutation,
  type ImpurePullback,
  type Disagreement,
} from './report.js';
export { defaultTolerance, type Tolerance } from './tolerance.js';
export {
  propertyRunConfig,
  propertyParameters,
  processEnvironment,
  replayHint,
  PropertyFailedError,
  type PropertyRunConfig,
  type PropertyParameters,
  type Environment,
} from './property-config.js';
export { keyArb } from './arbitraries/keys.js';
export { shapeArb, broadcastPairArb, broadcastableToArb, axesArb, permutationArb, type ShapeConstraints } from './arbitraries/shapes.js';
export { valuesArb, uniformArb, separateValues, type ValueConstraints } from './arbitraries/values.js';
export { tensorArb, tensorsArb, withDescription, describeTensor } from './arbitraries/tensors.js';
export { batchArb, labelsArb, type LabelledBatch, type BatchConstraints, type LabelConstraints } from './arbitraries/batches.js';
export { layerParamsArb, type Initialisable } from './arbitraries/layers.js';
