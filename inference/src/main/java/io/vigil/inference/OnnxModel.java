package io.vigil.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.Manifest.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One loaded model version: an ONNX Runtime session over the verified bytes of one bundle.
 *
 * <p>Runs may be concurrent; {@link #close()} waits for the runs in flight before it closes the
 * session, since closing a session under a run can crash the native runtime.
 */
public final class OnnxModel implements AutoCloseable {

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private final Bundle bundle;
  private final OrtSession session;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private OnnxModel(Bundle bundle, OrtSession session) {
    this.bundle = bundle;
    this.session = session;
    this.inputs = bundle.manifest().inputs();
    this.outputs = bundle.manifest().outputs();
  }

  /**
   * Loads the model of a verified bundle, checks that its graph matches the manifest, warms it up
   * and re-runs the bundle's golden vectors; a model that fails any of these is closed and refused.
   */
  public static OnnxModel load(Bundle bundle, RuntimeOptions options) {
    OrtSession session;
    try (SessionOptions so = new SessionOptions()) {
      so.setIntraOpNumThreads(options.intraOpThreads());
      so.setInterOpNumThreads(1);
      so.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
      so.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      so.addConfigEntry("session.intra_op.allow_spinning", options.allowSpinning() ? "1" : "0");
      so.addConfigEntry("session.inter_op.allow_spinning", options.allowSpinning() ? "1" : "0");
      session = ENV.createSession(bundle.model(), so);
    } catch (OrtException e) {
      throw new InferenceException(
          Code.RUNTIME_FAILED,
          bundle.label() + ": ONNX Runtime cannot load the model: " + e.getMessage(),
          e);
    }
    OnnxModel model = new OnnxModel(bundle, session);
    try {
      GraphCheck.check(bundle, session);
      GoldenVectors.check(model);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The verified bundle this model came from. */
  public Bundle bundle() {
    return bundle;
  }

  /** The bundle's manifest. */
  public Manifest manifest() {
    return bundle.manifest();
  }

  /** Direct buffers for one caller to reuse across runs of up to {@code maxRows} rows. */
  public Scratch scratch(int maxRows) {
    return new Scratch(inputs, maxRows);
  }

  /**
   * Runs {@code rows} rows that the caller has put into {@code scratch}; returns one flat array per
   * manifest output, row-major.
   */
  public float[][] run(Scratch scratch, int rows) {
    if (!lifecycle.readLock().tryLock()) {
      throw unavailable();
    }
    try {
      if (closed) {
        throw unavailable();
      }
      Map<String, OnnxTensor> feed = new HashMap<>(inputs.size() * 2);
      try {
        for (int i = 0; i < inputs.size(); i++) {
          TensorSpec spec = inputs.get(i);
          FloatBuffer buffer = scratch.buffers[i];
          buffer.position(0).limit(rows * spec.rowWidth());
          feed.put(spec.name(), OnnxTensor.createTensor(ENV, buffer, shape(spec, rows)));
        }
        try (OrtSession.Result result = session.run(feed)) {
          float[][] out = new float[outputs.size()][];
          for (int i = 0; i < outputs.size(); i++) {
            TensorSpec spec = outputs.get(i);
            OnnxValue value = result.get(spec.name()).orElseThrow();
            FloatBuffer values = ((OnnxTensor) value).getFloatBuffer();
            if (values.remaining() != rows * spec.rowWidth()) {
              throw new InferenceException(
                  Code.RUNTIME_FAILED,
                  bundle.label()
                      + ": output "
                      + spec.name()
                      + " has "
                      + values.remaining()
                      + " values for "
                      + rows
                      + " rows");
            }
            out[i] = new float[values.remaining()];
            values.get(out[i]);
          }
          return out;
        }
      } catch (OrtException e) {
        throw new InferenceException(
            Code.RUNTIME_FAILED, bundle.label() + ": ONNX Runtime failed: " + e.getMessage(), e);
      } finally {
        feed.values().forEach(OnnxTensor::close);
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Waits for the runs in flight, then closes the session; later runs fail as unavailable. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      session.close();
    } catch (OrtException e) {
      throw new InferenceException(
          Code.RUNTIME_FAILED, bundle.label() + ": closing the session failed", e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private InferenceException unavailable() {
    return new InferenceException(Code.MODEL_UNAVAILABLE, "model " + bundle.label() + " is closed");
  }

  private static long[] shape(TensorSpec spec, int rows) {
    long[] shape = new long[spec.shape().size()];
    shape[0] = rows;
    for (int i = 1; i < shape.length; i++) {
      shape[i] = spec.shape().get(i);
    }
    return shape;
  }

  /** Reusable direct input buffers, one per input tensor; not safe for concurrent use. */
  public static final class Scratch {
    private final FloatBuffer[] buffers;
    private final int maxRows;

    private Scratch(List<TensorSpec> inputs, int maxRows) {
      if (maxRows < 1) {
        throw new IllegalArgumentException("maxRows < 1");
      }
      this.maxRows = maxRows;
      this.buffers = new FloatBuffer[inputs.size()];
      for (int i = 0; i < buffers.length; i++) {
        buffers[i] =
            ByteBuffer.allocateDirect(maxRows * inputs.get(i).rowWidth() * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
      }
    }

    /** The most rows one run can take through this scratch. */
    public int maxRows() {
      return maxRows;
    }

    /** Writes {@code values} (whole rows) for input {@code input} starting at row {@code row}. */
    public void put(int input, int row, float[] values, int rowWidth) {
      FloatBuffer buffer = buffers[input];
      buffer.clear();
      buffer.position(row * rowWidth);
      buffer.put(values);
    }
  }
}
