/* eslint-disable import/export -- the explicit exports deliberately shadow the star export below */
// @tarojs/components for jsdom: the React implementations Taro's H5 build uses. View, Text and
// ScrollView are exported from their own files first to break an import cycle in the package.
export { default as View } from '@tarojs/components-react/dist/components/view/index.js'
export { default as Text } from '@tarojs/components-react/dist/components/text/index.js'
export { default as ScrollView } from '@tarojs/components-react/dist/components/scroll-view/index.js'
export * from '@tarojs/components-react'
