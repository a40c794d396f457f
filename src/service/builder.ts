import type { Layer } from './types.ts'

/**
 * Composes layers around a service. The first layer added is the outermost:
 * `serviceBuilder().layer(a).layer(b).service(h)` is `a(b(h))`, so a request
 * passes `a`, then `b`, then reaches `h`.
 */
export interface ServiceBuilder<Inner, Outer> {
  /** Add a layer inside the ones already added. */
  layer (layer: Layer<Inner, Inner>): ServiceBuilder<Inner, Outer>
  /** Add a layer that changes the type of the service it wraps. */
  layer<NewInner> (layer: Layer<NewInner, Inner>): ServiceBuilder<NewInner, Outer>
  /** Wrap `inner` in every layer and return the outermost service. */
  service (inner: Inner): Outer
}

/**
 * Start composing a service stack.
 *
 * @example
 * ```ts
 * const stack = serviceBuilder<InboundService<GetHeaders, Headers>>()
 *   .layer(metricsLayer(metrics))
 *   .layer(peerScoreLayer({ peers }))
 *   .layer(timeoutLayer({ timeoutMs: 10_000 }))
 *   .service(service(async (req) => [await headersFor(req.body)]))
 * ```
 */
export function serviceBuilder<S> (): ServiceBuilder<S, S> {
  return make<S, S>([])
}

function make<Inner, Outer> (layers: Array<Layer<any, any>>): ServiceBuilder<Inner, Outer> {
  return {
    layer<NewInner> (layer: Layer<NewInner, Inner>): ServiceBuilder<NewInner, Outer> {
      return make<NewInner, Outer>([...layers, layer])
    },
    service (inner: Inner): Outer {
      let s: any = inner
      for (let i = layers.length - 1; i >= 0; i--) s = layers[i](s)
      return s as Outer
    }
  }
}
