// A node drawn as a ring (a disc with a white centre): the mark of a site you
// visited, so first parties stand out whatever colour the core gives them.
// Same geometry and picking as sigma's circle; only the fragment shader differs.
import { NodeCircleProgram } from 'sigma/rendering';

// Share of the radius left white in the middle (picture.js draws the same).
export const HOLE = 0.42;

const FRAGMENT_SHADER = /* glsl */ `
precision highp float;

varying vec4 v_color;
varying vec2 v_diffVector;
varying float v_radius;

uniform float u_correctionRatio;

const vec4 transparent = vec4(0.0, 0.0, 0.0, 0.0);
const vec4 white = vec4(1.0, 1.0, 1.0, 1.0);

void main(void) {
  float feather = u_correctionRatio * 2.0;
  float d = length(v_diffVector);
  float outside = d - v_radius + feather;

  #ifdef PICKING_MODE
  gl_FragColor = outside > feather ? transparent : v_color;
  #else
  float hole = v_radius * ${HOLE.toFixed(2)};
  vec4 color = mix(white, v_color, clamp((d - hole) / feather, 0.0, 1.0));
  float t = outside > feather ? 1.0 : (outside > 0.0 ? outside / feather : 0.0);
  gl_FragColor = mix(color, transparent, t);
  #endif
}
`;

export class NodeRingProgram extends NodeCircleProgram {
  getDefinition() {
    return { ...super.getDefinition(), FRAGMENT_SHADER_SOURCE: FRAGMENT_SHADER };
  }
}
