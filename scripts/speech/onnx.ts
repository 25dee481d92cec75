// Just enough ONNX to write the generated speech models: value infos, constant tensors and a
// model with metadata, encoded with onnx-proto (MIT), as scripts/gguf does for GGUF.
import { createRequire } from 'node:module';

type Onnx = {
  TensorProto: { DataType: { FLOAT: number; INT64: number } };
  AttributeProto: { AttributeType: { TENSOR: number; INT: number } };
  ModelProto: { encode(m: object): { finish(): Uint8Array } };
};
const { onnx } = createRequire(import.meta.url)('onnx-proto') as { onnx: Onnx };

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export type Dim = number | string;
export type Node = { opType: string; input?: string[]; output: string[]; attribute?: object[] };

export function valueInfo(name: string, type: number, dims: Dim[]) {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: type, shape: { dim } } } };
}

export function constant(output: string, dims: number[], type: number, values: number[]): Node {
  const data = type === FLOAT ? { floatData: values } : { int64Data: values };
  const t = { dims, dataType: type, ...data };
  const attribute = [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t }];
  return { opType: 'Constant', output: [output], attribute };
}

export const intAttribute = (name: string, i: number) => ({
  name,
  type: onnx.AttributeProto.AttributeType.INT,
  i,
});

export type Graph = {
  name: string;
  node: Node[];
  input: ReturnType<typeof valueInfo>[];
  output: ReturnType<typeof valueInfo>[];
};

export function encodeModel(graph: Graph, metadata: Record<string, string | number>): Uint8Array {
  const metadataProps = Object.entries(metadata).map(([key, v]) => ({ key, value: String(v) }));
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'aether make-test-speech',
    graph,
    metadataProps,
  }).finish();
}
