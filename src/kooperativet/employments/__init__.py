"""employments"""
