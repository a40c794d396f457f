import { InvalidRequestError } from '../errors.ts'
import type { InboundLayer, InboundRequest } from '../types.ts'

export interface ValidateLayerInit {
  /** Largest encoded request. */
  maxRequestBytes: number
  /** Largest cost of one request, in the method's unit. */
  maxCost: number
  /** Shape rules beyond what the codec checks; throw {@link InvalidRequestError} to reject. */
  validate? (req: InboundRequest<any>): void
}

/**
 * Reject requests that break the method's size or shape rules with
 * {@link InvalidRequestError} (verdict `fatal`, answered with INVALID_REQUEST).
 * The engine already refuses oversize frames before reading them; this layer
 * keeps handlers safe when they are called some other way.
 */
export function validateLayer (init: ValidateLayerInit): InboundLayer {
  return (inner) => ({
    async call (req) {
      if (req.sizeBytes > init.maxRequestBytes) {
        throw new InvalidRequestError(`${req.method}: request is ${req.sizeBytes} bytes (max ${init.maxRequestBytes})`)
      }
      if (!(req.cost >= 0) || req.cost > init.maxCost) {
        throw new InvalidRequestError(`${req.method}: request costs ${req.cost} (max ${init.maxCost})`)
      }
      init.validate?.(req)
      return inner.call(req)
    }
  })
}
