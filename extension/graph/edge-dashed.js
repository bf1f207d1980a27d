// Edges drawn dashed or dotted, so that what an edge means is told by its
// shape as well as its colour: every request blocked (short dashes), some
// blocked (long dashes), cookie syncing (dots). Same geometry and picking as
// sigma's rectangle edge; the vertex shader also passes how far along the
// edge each fragment is, in pixels, and the fragment shader leaves the gaps.
import { EdgeRectangleProgram } from 'sigma/rendering';

/** Pixels drawn, then pixels left out, for each edge state (picture.js's SVG uses the same). */
export const DASHES = { blocked: [4, 4], 'partly-blocked': [10, 4], syncs: [2, 3] };

const VERTEX_SHADER = /* glsl */ `
attribute vec4 a_id;
attribute vec4 a_color;
attribute vec2 a_normal;
attribute float a_normalCoef;
attribute vec2 a_positionStart;
attribute vec2 a_positionEnd;
attribute float a_positionCoef;

uniform mat3 u_matrix;
uniform float u_sizeRatio;
uniform float u_zoomRatio;
uniform float u_pixelRatio;
uniform float u_correctionRatio;
uniform float u_minEdgeThickness;
uniform float u_feather;
uniform vec2 u_dimensions;

varying vec4 v_color;
varying vec2 v_normal;
varying float v_thickness;
varying float v_feather;
varying float v_along;

const float bias = 255.0 / 254.0;

void main() {
  vec2 normal = a_normal * a_normalCoef;
  vec2 position = a_positionStart * (1.0 - a_positionCoef) + a_positionEnd * a_positionCoef;
  float normalLength = length(normal);
  vec2 unitNormal = normal / normalLength;
  float pixelsThickness = max(normalLength, u_minEdgeThickness * u_sizeRatio);
  float webGLThickness = pixelsThickness * u_correctionRatio / u_sizeRatio;
  gl_Position = vec4((u_matrix * vec3(position + unitNormal * webGLThickness, 1)).xy, 0, 1);

  // The edge's length on screen, in pixels, and how far along it this vertex is.
  vec2 start = (u_matrix * vec3(a_positionStart, 1)).xy;
  vec2 end = (u_matrix * vec3(a_positionEnd, 1)).xy;
  v_along = a_positionCoef * length((end - start) * u_dimensions * 0.5);

  v_thickness = webGLThickness / u_zoomRatio;
  v_normal = unitNormal;
  v_feather = u_feather * u_correctionRatio / u_zoomRatio / u_pixelRatio * 2.0;
  #ifdef PICKING_MODE
  v_color = a_id;
  #else
  v_color = a_color;
  #endif
  v_color.a *= bias;
}
`;

const fragmentShader = (dash, gap) => /* glsl */ `
precision mediump float;

varying vec4 v_color;
varying vec2 v_normal;
varying float v_thickness;
varying float v_feather;
varying float v_along;

const vec4 transparent = vec4(0.0, 0.0, 0.0, 0.0);

void main(void) {
  #ifdef PICKING_MODE
  gl_FragColor = v_color;
  #else
  if (mod(v_along, ${(dash + gap).toFixed(1)}) > ${dash.toFixed(1)}) discard;
  float dist = length(v_normal) * v_thickness;
  float t = smoothstep(v_thickness - v_feather, v_thickness, dist);
  gl_FragColor = mix(v_color, transparent, t);
  #endif
}
`;

/** A sigma edge program drawing `dash` pixels, then leaving `gap`. */
export function dashedEdgeProgram([dash, gap]) {
  return class EdgeDashedProgram extends EdgeRectangleProgram {
    getDefinition() {
      const d = super.getDefinition();
      return { ...d, VERTEX_SHADER_SOURCE: VERTEX_SHADER, FRAGMENT_SHADER_SOURCE: fragmentShader(dash, gap), UNIFORMS: [...d.UNIFORMS, 'u_dimensions'] };
    }

    setUniforms(params, context) {
      super.setUniforms(params, context);
      context.gl.uniform2f(context.uniformLocations.u_dimensions, params.width, params.height);
    }
  };
}

/** The edge programs by type: sigma's for what got through, and one per dashed state. */
export const DASHED_PROGRAMS = Object.fromEntries(Object.entries(DASHES).map(([state, pattern]) => [state, dashedEdgeProgram(pattern)]));
