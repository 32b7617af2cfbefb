package io.vigil.inference.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Set<Scratch> scratches = ConcurrentHashMap.newKeySet();
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
      session = ENV.createSession(bundle.file(Bundle.MODEL).orElseThrow(), so);
    } catch (OrtException e) {
      throw new InferenceException(
          Code.RUNTIME_FAILED,
          bundle.label() + ": ONNX Runtime cannot load the model: " + e.getMessage(),
          e);
    }
    OnnxModel model = new OnnxModel(bundle, session);
    try {
      GraphCheck.check(bundle, session);
      GoldenVectorCheck.check(model);
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

  /**
   * Direct buffers and ONNX Runtime tensors for one caller to reuse across runs of up to {@code
   * maxRows} rows; closed with this model at the latest.
   */
  public Scratch scratch(int maxRows) {
    Scratch scratch = new Scratch(this, maxRows);
    scratches.add(scratch);
    return scratch;
  }

  /**
   * Runs {@code rows} rows that the caller has put into {@code scratch}; returns one flat array per
   * manifest output, row-major.
   *
   * <p>The scratch's tensors wrap its direct buffers for each row count once, inputs and outputs
   * (ONNX Runtime writes the outputs into them), so a run allocates nothing but the result arrays.
   */
  public float[][] run(Scratch scratch, int rows) {
    if (rows < 1 || rows > scratch.maxRows) {
      throw new IllegalArgumentException(
          rows + " rows do not fit a scratch of " + scratch.maxRows + " rows");
    }
    if (!lifecycle.readLock().tryLock()) {
      throw unavailable();
    }
    try {
      if (closed || scratch.closed) {
        throw unavailable();
      }
      Scratch.Bound bound = scratch.bound(rows);
      try (OrtSession.Result result = session.run(bound.inputs(), bound.outputs())) {
        float[][] out = new float[outputs.size()][];
        for (int i = 0; i < outputs.size(); i++) {
          FloatBuffer values = scratch.outputs[i].duplicate();
          values.position(0).limit(rows * outputs.get(i).rowWidth());
          out[i] = new float[values.remaining()];
          values.get(out[i]);
        }
        return out;
      }
    } catch (OrtException e) {
      throw new InferenceException(
          Code.RUNTIME_FAILED,
          "model " + bundle.label() + " failed to run: ONNX Runtime: " + oneLine(e.getMessage()),
          e);
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
      scratches.forEach(Scratch::close);
      scratches.clear();
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

  // ONNX Runtime's messages may span lines; a log line and an error body hold one.
  private static String oneLine(String message) {
    return message == null ? "no message" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  private static long[] shape(TensorSpec spec, int rows) {
    long[] shape = new long[spec.shape().size()];
    shape[0] = rows;
    for (int i = 1; i < shape.length; i++) {
      shape[i] = spec.shape().get(i);
    }
    return shape;
  }

  /**
   * Reusable direct input and output buffers, one per tensor, and the tensors over them for each
   * row count; not safe for concurrent use. Closing it (or its model) frees the tensors.
   */
  public static final class Scratch implements AutoCloseable {
    private final OnnxModel model;
    private final FloatBuffer[] buffers;
    private final FloatBuffer[] outputs;
    private final Bound[] bound;
    private final int maxRows;
    private volatile boolean closed;

    /** The tensors of one row count, as ONNX Runtime takes them. */
    private record Bound(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> outputs) {}

    private Scratch(OnnxModel model, int maxRows) {
      if (maxRows < 1) {
        throw new IllegalArgumentException("maxRows < 1");
      }
      this.model = model;
      this.maxRows = maxRows;
      this.buffers = direct(model.inputs, maxRows);
      this.outputs = direct(model.outputs, maxRows);
      this.bound = new Bound[maxRows + 1];
    }

    private static FloatBuffer[] direct(List<TensorSpec> specs, int maxRows) {
      FloatBuffer[] buffers = new FloatBuffer[specs.size()];
      for (int i = 0; i < buffers.length; i++) {
        buffers[i] =
            ByteBuffer.allocateDirect(maxRows * specs.get(i).rowWidth() * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
      }
      return buffers;
    }

    private Bound bound(int rows) throws OrtException {
      Bound b = bound[rows];
      if (b == null) {
        b = new Bound(tensors(model.inputs, buffers, rows), tensors(model.outputs, outputs, rows));
        bound[rows] = b;
      }
      return b;
    }

    private static Map<String, OnnxTensor> tensors(
        List<TensorSpec> specs, FloatBuffer[] buffers, int rows) throws OrtException {
      Map<String, OnnxTensor> tensors = new HashMap<>(specs.size() * 2);
      try {
        for (int i = 0; i < specs.size(); i++) {
          TensorSpec spec = specs.get(i);
          FloatBuffer view = buffers[i].duplicate();
          view.position(0).limit(rows * spec.rowWidth());
          tensors.put(spec.name(), OnnxTensor.createTensor(ENV, view.slice(), shape(spec, rows)));
        }
      } catch (OrtException | RuntimeException e) {
        tensors.values().forEach(OnnxTensor::close);
        throw e;
      }
      return Map.copyOf(tensors);
    }

    /** Frees the tensors; later runs through this scratch fail as unavailable. */
    @Override
    public void close() {
      closed = true;
      for (int rows = 0; rows < bound.length; rows++) {
        Bound b = bound[rows];
        if (b != null) {
          b.inputs().values().forEach(OnnxTensor::close);
          b.outputs().values().forEach(OnnxTensor::close);
          bound[rows] = null;
        }
      }
      model.scratches.remove(this);
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

    /** {@link #put(int, int, float[], int)} from a buffer, which it reads to its end. */
    public void put(int input, int row, FloatBuffer values, int rowWidth) {
      FloatBuffer buffer = buffers[input];
      buffer.clear();
      buffer.position(row * rowWidth);
      buffer.put(values);
    }
  }
}
