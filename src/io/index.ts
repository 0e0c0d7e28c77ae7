/**
 * File-boundary I/O: the IDX format (pure `parseIdx` / `encodeIdx`), reading IDX files in Node
 * (plain or gzip), and MNIST as typed arrays; safetensors (pure `encodeSafetensors` /
 * `decodeSafetensors`), PyTorch-compatible state dicts and training checkpoints, atomic writes;
 * JSON config files and the io-ts decoders these boundaries share. Every failure is a value
 * (`IdxError`, `SafetensorsError`, `ConfigError`).
 */
export { type IdxError, type IdxErrorTag, idxError, formatIdxError } from './idx-error.js';
export { type IdxArray, type IdxArrayOf, type IdxDataOf, type IdxDType, type ParseIdxOptions, parseIdx, encodeIdx } from './idx.js';
export { readIdxFile, isGzip } from './idx-file.js';
export { type MnistFiles, type MnistPart, mnistFileNames, defaultMnistDir, locateMnistFiles } from './mnist-files.js';
export { type Mnist, type MnistSplit, type MnistOptions, type MnistSizeOptions, type MnistFromIdxOptions, type MnistIdx, loadMnist, mnistFromIdx } from './mnist.js';
export { type JsonScalar, nonNegativeInteger, uint32, entries, exactPartial, jsonString, jsonScalar, keyError, concatErrors } from './codecs.js';
export { duplicateKeys } from './json-keys.js';
export { type ConfigError, readConfigFile, decodeConfigText } from './config-file.js';
export { type SafetensorsError, type SafetensorsErrorTag, safetensorsError, formatSafetensorsError } from './safetensors-error.js';
export { type SafetensorsDType, type FloatDType, type WritableDType, safetensorsDTypes, dtypeBytes, floatDTypes } from './safetensors-dtype.js';
export { type HeaderEntry, type SafetensorsHeader, safetensorsHeaderCodec, checkLayout } from './safetensors-header.js';
export {
  type SafetensorsTensor,
  type Safetensors,
  type TensorToWrite,
  type EncodeSafetensorsOptions,
  type DecodeSafetensorsOptions,
  type DecodedHeader,
  MAX_HEADER_BYTES,
  encodeSafetensors,
  decodeSafetensors,
  decodeSafetensorsHeader,
} from './safetensors.js';
export { CHECKSUM_KEY, crc32, contentChecksum } from './integrity.js';
export { type EncodeParamsOptions, type LoadStateDictOptions, encodeParams, loadStateDict } from './state-dict.js';
export { type FlatState, type StateProblem, flattenState } from './state-tree.js';
export {
  type DataPosition,
  type TrainingCheckpoint,
  type CheckpointContents,
  type CheckpointTemplate,
  type CheckpointSourceOptions,
  CHECKPOINT_FORMAT,
  OPTIMIZER_PREFIX,
  checkpointMetadataDecoder,
  encodeCheckpoint,
  decodeCheckpoint,
  checkpointConfig,
  restoreCheckpoint,
} from './checkpoint.js';
export { type AtomicFileSystem, type WritableFile, type WriteError, type AtomicWriteOptions, nodeFileSystem, writeFileAtomic, checkWritableTarget } from './atomic-write.js';
export { type WriteOptions, readSafetensorsFile, saveParams, loadParams, saveCheckpoint, readCheckpointFile, loadCheckpoint } from './safetensors-file.js';
