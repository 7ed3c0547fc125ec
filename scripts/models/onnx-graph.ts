/**
 * A small ONNX graph writer for the models this project builds itself (the exact-score graph of a
 * Gaussian mixture, the tiny trained denoisers, the test models). Serialization is protobufjs's; the
 * message layout below is the subset of ONNX's `onnx.proto` (IR version 8) that these graphs use,
 * with its field numbers.
 */
import protobuf from 'protobufjs';

const fields = (spec: Record<string, [number, string, 'repeated'?]>) =>
  Object.fromEntries(Object.entries(spec).map(([name, [id, type, rule]]) => [name, rule ? { id, type, rule } : { id, type }]));

const onnxSubset = {
  nested: {
    onnx: {
      nested: {
        OperatorSetIdProto: { fields: fields({ domain: [1, 'string'], version: [2, 'int64'] }) },
        TensorProto: {
          fields: fields({ dims: [1, 'int64', 'repeated'], dataType: [2, 'int32'], name: [8, 'string'], rawData: [9, 'bytes'] }),
        },
        AttributeProto: {
          fields: fields({ name: [1, 'string'], f: [2, 'float'], i: [3, 'int64'], t: [5, 'TensorProto'], ints: [8, 'int64', 'repeated'], type: [20, 'int32'] }),
        },
        NodeProto: {
          fields: fields({ input: [1, 'string', 'repeated'], output: [2, 'string', 'repeated'], name: [3, 'string'], opType: [4, 'string'], attribute: [5, 'AttributeProto', 'repeated'] }),
        },
        Dimension: { fields: fields({ dimValue: [1, 'int64'], dimParam: [2, 'string'] }) },
        TensorShapeProto: { fields: fields({ dim: [1, 'Dimension', 'repeated'] }) },
        TensorTypeProto: { fields: fields({ elemType: [1, 'int32'], shape: [2, 'TensorShapeProto'] }) },
        TypeProto: { fields: fields({ tensorType: [1, 'TensorTypeProto'] }) },
        ValueInfoProto: { fields: fields({ name: [1, 'string'], type: [2, 'TypeProto'] }) },
        GraphProto: {
          fields: fields({ node: [1, 'NodeProto', 'repeated'], name: [2, 'string'], initializer: [5, 'TensorProto', 'repeated'], input: [11, 'ValueInfoProto', 'repeated'], output: [12, 'ValueInfoProto', 'repeated'] }),
        },
        ModelProto: {
          fields: fields({ irVersion: [1, 'int64'], producerName: [2, 'string'], graph: [7, 'GraphProto'], opsetImport: [8, 'OperatorSetIdProto', 'repeated'] }),
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(onnxSubset);
const ModelProto = root.lookupType('onnx.ModelProto');

/** ONNX TensorProto.DataType codes. */
export const DataType = { float: 1, int64: 7, double: 11 } as const;
export type ElemType = keyof typeof DataType;
/** Attribute kinds of AttributeProto.AttributeType. */
const AttributeType = { float: 1, int: 2, tensor: 4, ints: 7 } as const;

/** A dimension: a fixed size or a symbolic name (e.g. 'n' for the batch). */
export type Dim = number | string;
export type Attribute = number | number[] | { float: number };

function tensor(name: string, data: Float64Array | Float32Array | BigInt64Array, dims: readonly number[]) {
  const dataType = data instanceof Float64Array ? DataType.double : data instanceof Float32Array ? DataType.float : DataType.int64;
  return { name, dims, dataType, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function valueInfo(name: string, elem: ElemType, shape: readonly Dim[]) {
  const dim = shape.map((s) => (typeof s === 'number' ? { dimValue: s } : { dimParam: s }));
  return { name, type: { tensorType: { elemType: DataType[elem], shape: { dim } } } };
}

function attribute(name: string, value: Attribute) {
  if (Array.isArray(value)) return { name, ints: value, type: AttributeType.ints };
  if (typeof value === 'object') return { name, f: value.float, type: AttributeType.float };
  return { name, i: value, type: AttributeType.int };
}

/** Builds one graph node by node; `op` returns the name of the node's (first) output. */
export class GraphBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly inputs: object[] = [];
  private readonly outputs: object[] = [];
  private counter = 0;

  constructor(readonly elem: ElemType) {}

  input(name: string, shape: readonly Dim[], elem: ElemType = this.elem): string {
    this.inputs.push(valueInfo(name, elem, shape));
    return name;
  }

  /** A constant of the graph's element type (or int64 for shapes and axes). */
  constant(values: ArrayLike<number>, dims: readonly number[], elem: ElemType = this.elem): string {
    const name = `c${this.counter++}`;
    const data =
      elem === 'int64' ? BigInt64Array.from(Array.from(values, (v) => BigInt(v))) : elem === 'double' ? Float64Array.from(values) : Float32Array.from(values);
    this.initializers.push(tensor(name, data, dims));
    return name;
  }

  scalar(v: number): string {
    return this.constant([v], []);
  }

  op(type: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}): string {
    const out = `v${this.counter++}`;
    const attribute_ = Object.entries(attributes).map(([k, v]) => attribute(k, v));
    this.nodes.push({ opType: type, name: out, input: inputs, output: [out], attribute: attribute_ });
    return out;
  }

  /** Renames a value to a graph output (an Identity node, so outputs keep their own names). */
  output(value: string, name: string, shape: readonly Dim[]): void {
    this.nodes.push({ opType: 'Identity', name, input: [value], output: [name], attribute: [] });
    this.outputs.push(valueInfo(name, this.elem, shape));
  }

  /** The serialized model (IR version 8, default opset 17). */
  toBytes(producer = 'diffusion-w2'): Uint8Array {
    const graph = { name: 'graph', node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
    const model = { irVersion: 8, producerName: producer, opsetImport: [{ domain: '', version: 17 }], graph };
    const err = ModelProto.verify(model);
    if (err) throw new Error(`invalid ONNX model: ${err}`);
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  }
}
