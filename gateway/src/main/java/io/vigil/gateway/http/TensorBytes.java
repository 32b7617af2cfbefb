package io.vigil.gateway.http;

import com.google.protobuf.ByteString;
import io.vigil.gateway.grpc.oip.InferTensorContents;
import io.vigil.inference.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The protocol's numeric datatypes as bytes, the form that gRPC's raw contents and REST's binary
 * tensor data share: little-endian, a fixed width per element, read into and written from the
 * gateway's floats; and gRPC's typed contents field for each.
 */
final class TensorBytes {

  private TensorBytes() {}

  /** An unsigned 64-bit integer as the nearest float. */
  static float unsigned(long v) {
    return v >= 0 ? v : (float) ((v >>> 1) * 2.0 + (v & 1));
  }

  /** Reads {@code size} values of {@code element} from {@code in}, little-endian. */
  static float[] read(ByteBuffer in, Element element, int size) {
    ByteBuffer le = in.order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[size];
    if (element == Element.FP32) {
      // The common case in bulk: one copy, not one call per value.
      le.asFloatBuffer().get(values);
      le.position(le.position() + size * Float.BYTES);
      return values;
    }
    for (int i = 0; i < size; i++) {
      values[i] = element.read(le);
    }
    return values;
  }

  private static InferenceException invalid(String message) {
    return new InferenceException(InferenceException.Code.INPUT_INVALID, message);
  }

  /** The typed contents field that carries a datatype. */
  enum Contents {
    FP32("fp32_contents"),
    FP64("fp64_contents"),
    INT("int_contents"),
    INT64("int64_contents"),
    UINT("uint_contents"),
    UINT64("uint64_contents"),
    BOOL("bool_contents");

    final String field;

    Contents(String field) {
      this.field = field;
    }
  }

  /** A datatype of the protocol that Vigil's models take: its width and its contents field. */
  enum Element {
    FP32(4, Contents.FP32),
    FP64(8, Contents.FP64),
    INT8(1, Contents.INT),
    INT16(2, Contents.INT),
    INT32(4, Contents.INT),
    INT64(8, Contents.INT64),
    UINT8(1, Contents.UINT),
    UINT16(2, Contents.UINT),
    UINT32(4, Contents.UINT),
    UINT64(8, Contents.UINT64),
    BOOL(1, Contents.BOOL);

    final int width;
    final Contents contents;
    final String datatype = name();

    Element(int width, Contents contents) {
      this.width = width;
      this.contents = contents;
    }

    static Element of(String datatype, String what) {
      for (Element e : values()) {
        if (e.datatype.equals(datatype)) {
          return e;
        }
      }
      throw invalid(
          what
              + " has datatype '"
              + datatype
              + "'; Vigil's models take FP32, FP64, INT8-64, UINT8-64 and BOOL tensors");
    }

    float read(ByteBuffer in) {
      return switch (this) {
        case FP32 -> in.getFloat();
        case FP64 -> (float) in.getDouble();
        case INT8 -> in.get();
        case INT16 -> in.getShort();
        case INT32 -> in.getInt();
        case INT64 -> in.getLong();
        case UINT8 -> Byte.toUnsignedInt(in.get());
        case UINT16 -> Short.toUnsignedInt(in.getShort());
        case UINT32 -> Integer.toUnsignedLong(in.getInt());
        case UINT64 -> unsigned(in.getLong());
        case BOOL -> in.get() != 0 ? 1f : 0f;
      };
    }

    /** {@code values} as little-endian elements. */
    ByteBuffer buffer(float[] values) {
      ByteBuffer out = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        switch (this) {
          case FP32 -> out.putFloat(v);
          case FP64 -> out.putDouble(v);
          case INT8, UINT8 -> out.put((byte) v);
          case INT16, UINT16 -> out.putShort((short) v);
          case INT32, UINT32 -> out.putInt((int) v);
          case INT64, UINT64 -> out.putLong((long) v);
          case BOOL -> out.put((byte) (v != 0 ? 1 : 0));
        }
      }
      out.flip();
      return out;
    }

    ByteString bytes(float[] values) {
      return ByteString.copyFrom(buffer(values));
    }

    InferTensorContents contents(float[] values) {
      InferTensorContents.Builder b = InferTensorContents.newBuilder();
      for (float v : values) {
        switch (contents) {
          case FP32 -> b.addFp32Contents(v);
          case FP64 -> b.addFp64Contents(v);
          case INT -> b.addIntContents((int) v);
          case INT64 -> b.addInt64Contents((long) v);
          case UINT -> b.addUintContents((int) v);
          case UINT64 -> b.addUint64Contents((long) v);
          case BOOL -> b.addBoolContents(v != 0);
        }
      }
      return b.build();
    }
  }
}
