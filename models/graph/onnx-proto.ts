// The subset of onnx.proto (ONNX IR version 8, field numbers from the official onnx/onnx.proto) that the writer
// needs, as a protobufjs JSON descriptor: models, graphs (also as attributes, for Scan/Loop bodies), nodes,
// attributes, tensors and value infos. Kept as data so no .proto file has to be found at run time.
import protobuf from 'protobufjs';

const descriptor = {
  nested: {
    onnx: {
      nested: {
        AttributeType: {
          values: { UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            refAttrName: { type: 'string', id: 21 },
            docString: { type: 'string', id: 13 },
            type: { type: 'AttributeType', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
            tensors: { rule: 'repeated', type: 'TensorProto', id: 10 },
            graphs: { rule: 'repeated', type: 'GraphProto', id: 11 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            docString: { type: 'string', id: 3 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            domain: { type: 'string', id: 7 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            docString: { type: 'string', id: 6 },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4, options: { packed: true } },
            int32Data: { rule: 'repeated', type: 'int32', id: 5, options: { packed: true } },
            int64Data: { rule: 'repeated', type: 'int64', id: 7, options: { packed: true } },
            name: { type: 'string', id: 8 },
            docString: { type: 'string', id: 12 },
            rawData: { type: 'bytes', id: 9 },
            doubleData: { rule: 'repeated', type: 'double', id: 10, options: { packed: true } },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: { type: 'int64', id: 1 },
                dimParam: { type: 'string', id: 2 },
                denotation: { type: 'string', id: 3 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: {
            tensorType: { type: 'Tensor', id: 1 },
            denotation: { type: 'string', id: 6 },
          },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: 'int32', id: 1 },
                shape: { type: 'TensorShapeProto', id: 2 },
              },
            },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);

/** protobufjs message types for the ONNX messages the writer emits (and tests decode). */
export const onnxTypes = {
  model: root.lookupType('onnx.ModelProto'),
  graph: root.lookupType('onnx.GraphProto'),
  tensor: root.lookupType('onnx.TensorProto'),
};

/** TensorProto.DataType codes. */
export const ONNX_DATA_TYPE = { float32: 1, int64: 7, bool: 9, float64: 11 } as const;
/** AttributeProto.AttributeType codes. */
export const ONNX_ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7 } as const;

/** One input or output of a graph: its name, element type (ONNX_DATA_TYPE code) and dims (a number, or the
 * name of a free axis, or null where unknown). */
export interface TensorSignature {
  name: string;
  elemType: number;
  dims: (number | string | null)[];
}

const valueInfoType = root.lookupType('onnx.ValueInfoProto');

/**
 * The inputs and outputs of a model's main graph, read from its header without decoding the rest: the fields
 * of ModelProto and GraphProto other than the graph and its inputs/outputs (initializers: the weights, nodes)
 * are skipped, so checking a large graph costs little. Throws on bytes that are not a well-formed ModelProto.
 */
export function graphSignature(model: Uint8Array): { inputs: TensorSignature[]; outputs: TensorSignature[]; metadata: Record<string, string> } {
  const LEN = 2; // wire type of bytes, strings and embedded messages
  const reader = protobuf.Reader.create(model);
  let graph: Uint8Array | null = null;
  let irVersion = false;
  const metadata: Record<string, string> = {};
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3, wire = tag & 7;
    if (field === 0) throw new Error('a field number 0');
    if (field === 7 && wire === LEN) graph = reader.bytes();
    else if (field === METADATA_PROPS && wire === LEN) {
      const entry = protobuf.Reader.create(reader.bytes());
      let key = '', value = '';
      while (entry.pos < entry.len) {
        const t = entry.uint32();
        if (t === ((1 << 3) | LEN)) key = entry.string();
        else if (t === ((2 << 3) | LEN)) value = entry.string();
        else entry.skipType(t & 7);
      }
      metadata[key] = value;
    } else {
      if (field === 1 && wire === 0) irVersion = true;
      reader.skipType(wire);
    }
  }
  if (!graph || !irVersion) throw new Error(graph ? 'no IR version' : 'no graph');
  const g = protobuf.Reader.create(graph);
  const inputs: TensorSignature[] = [];
  const outputs: TensorSignature[] = [];
  while (g.pos < g.len) {
    const tag = g.uint32();
    const field = tag >>> 3, wire = tag & 7;
    if (field === 0) throw new Error('a field number 0');
    if ((field === 11 || field === 12) && wire === LEN) {
      const info = valueInfoType.toObject(valueInfoType.decode(g.bytes()), { longs: Number, oneofs: false }) as {
        name?: string;
        type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: number; dimParam?: string }[] } } };
      };
      const tensor = info.type?.tensorType;
      (field === 11 ? inputs : outputs).push({
        name: info.name ?? '',
        elemType: tensor?.elemType ?? 0,
        dims: (tensor?.shape?.dim ?? []).map((d) => (typeof d.dimValue === 'number' ? d.dimValue : typeof d.dimParam === 'string' && d.dimParam !== '' ? d.dimParam : null)),
      });
    } else g.skipType(wire);
  }
  return { inputs, outputs, metadata };
}

/** ModelProto.metadata_props: repeated StringStringEntryProto { key = 1; value = 2 }. */
const METADATA_PROPS = 14;

/**
 * The model with metadata entries added (ModelProto.metadata_props). Appended to the encoded bytes: protobuf
 * reads fields in any order and repeated fields accumulate, so the graph and its weights are not re-encoded.
 */
export function withMetadata(model: Uint8Array, entries: Record<string, string>): Uint8Array {
  const w = protobuf.Writer.create();
  for (const [key, value] of Object.entries(entries)) {
    w.uint32((METADATA_PROPS << 3) | 2).fork();
    w.uint32((1 << 3) | 2).string(key);
    w.uint32((2 << 3) | 2).string(value);
    w.ldelim();
  }
  const tail = w.finish();
  const out = new Uint8Array(model.length + tail.length);
  out.set(model);
  out.set(tail, model.length);
  return out;
}
